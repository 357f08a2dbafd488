// Route element for `/projects` (the project list) and `/projects/:projectId/ide` (the IDE).
import { useParams } from 'react-router';
import { IdeWorkspace } from './IdeWorkspace.tsx';
import { ProjectList } from './ProjectList.tsx';
import './ide.css';

export function IdePage() {
  const { projectId } = useParams();
  if (projectId === undefined || projectId === '') return <ProjectList />;
  return <IdeWorkspace projectId={projectId} />;
}
